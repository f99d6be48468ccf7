app_name = "classrooms"
urlpatterns = []
