"""Developer tools that are part of the product: the OpenAPI generator, the sam-local image."""
