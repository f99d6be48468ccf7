from channels.generic.websocket import AsyncJsonWebsocketConsumer


class HealthConsumer(AsyncJsonWebsocketConsumer):
    """`/ws/healthz/`: lets a load balancer (or a smoke test) check that WebSocket upgrades work."""

    async def connect(self):
        await self.accept()
        await self.send_json({"type": "health", "status": "ok"})
