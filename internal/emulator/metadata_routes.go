package emulator

// metadataRoutes registers the metadata endpoints.
func (e *Emulator) metadataRoutes() {}
