"""Control of closed cases: reviews and metrics."""
