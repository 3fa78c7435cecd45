namespace exists ns
