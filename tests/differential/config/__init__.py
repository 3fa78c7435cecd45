"""Config-phase differential suite: ocdpy against OpenOCD 0.12 on its script tree."""
