"""The local stack: template.yaml's resources on an embedded moto server, its API on a local
HTTP front that invokes the handlers in-process, and its SQS event sources drained by pollers.

Importing the package changes nothing in the process. What does is explicit: `python -m devstack`
puts the layer on the path (see `__main__`), and `moto_fixes.install()` patches moto."""
