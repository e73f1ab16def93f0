from ninja import NinjaAPI

api = NinjaAPI(title="Panlong public-service cloud supermarket API", version="1", urls_namespace="api-v1")
