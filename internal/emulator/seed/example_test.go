package seed_test

import (
	"fmt"

	"github.com/d2sync/d2sync/internal/emulator/seed"
)

// ExampleGenerate builds the demo instance and reads a few values lazily.
func ExampleGenerate() {
	inst, err := seed.Generate(seed.Demo)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(inst.Metadata["organisationUnits"]), "org units,", len(inst.Metadata["dataSets"]), "data sets")
	n := 0
	for dv := range inst.DataValues {
		if n++; n == 3 {
			fmt.Println(dv.Period, dv.StoredBy != "")
			break
		}
	}
	_, err = seed.Generate("big")
	fmt.Println(err)
	// Output:
	// 1000 org units, 5 data sets
	// 202401 true
	// generate seed "big": unknown seed name, valid names are demo, national, none
}
