"""Providers that need no keys and no network: real story, real images, real video."""
