package emulator

// dataRoutes registers the aggregate data endpoints.
func (e *Emulator) dataRoutes() {}
