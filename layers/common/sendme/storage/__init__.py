"""DynamoDB access: one repository per entity, every key format in `keys`."""
