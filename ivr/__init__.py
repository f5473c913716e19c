"""The IVR controller: FastAPI app, settings, CLI, telephony edge (AudioSocket, AMI) and call sessions."""
