"""The live side of the rooms in one process: one job per module, composed by ``hub.Hub``.

- ``registry``: the room's sockets in this process, and delivery of an envelope to them;
- ``chat``: the recent chat lines of a room, read once per process;
- ``door``: the door checks of sockets that knock together, in one trip to the database;
- ``flushes``: presence changes gathered and flushed as one diff per room per window, and the
  snapshot read once for every socket that asks meanwhile;
- ``attendance``: attendance intervals written in batches;
- ``fanout``: a room event to every process serving the room (directly, or over Redis pub/sub);
- ``sweeper``: heartbeats, ghosts of dead processes, rooms that close;
- ``presence``: the presence writes of a socket (the services the consumer calls);
- ``tasks``: the background tasks they all start.
"""
