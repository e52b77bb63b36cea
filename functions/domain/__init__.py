"""Domain rules of submissions and cases: pure Python, no boto3, no HTTP objects."""
