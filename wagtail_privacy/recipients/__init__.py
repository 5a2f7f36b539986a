"""The recipients register, and the notices that tell recipients of customers' requests."""
