"""SendMe messaging, shared by every function as a Lambda layer. Its subpackages are its layers:
domain and contracts at the bottom, then storage and outbound, services, the Lambda edge and the
wiring that builds each function's services (docs/conventions.md)."""
