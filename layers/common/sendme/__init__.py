"""SendMe messaging: domain logic, models and AWS adapters shared by every function."""
