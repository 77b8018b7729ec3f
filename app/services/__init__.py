"""Use cases. Each public function owns its transaction: it commits once, or rolls everything back."""
