"""Authorization of API calls: which action and resource each call is, and the decision."""
