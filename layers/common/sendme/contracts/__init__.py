"""Wire shapes of the API and of provider events: pydantic models only."""
