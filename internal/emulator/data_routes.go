package emulator

// dataRoutes registers the aggregate data endpoints.
func (e *Emulator) dataRoutes() {
	e.handle("GET /api/dataValueSets", e.getDataValueSets)
	e.handle("GET /api/dataValueSets.json", e.getDataValueSets)
	e.handle("POST /api/dataValueSets", e.postDataValueSets, authDataValueAdd)
	e.handle("POST /api/dataValueSets.json", e.postDataValueSets, authDataValueAdd)
}
