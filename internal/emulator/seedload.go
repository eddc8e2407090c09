package emulator

import (
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/d2sync/d2sync/internal/emulator/datavalue"
	"github.com/d2sync/d2sync/internal/emulator/metadata"
	"github.com/d2sync/d2sync/internal/emulator/seed"
	"github.com/d2sync/d2sync/internal/transform"
)

// loadSeed loads the configured seed into the empty stores: its metadata
// (newest shape, converted to the emulated version) through the importer,
// then its data values and registrations directly into the store.
func (e *Emulator) loadSeed() error {
	start := time.Now()
	inst, err := seed.Generate(e.opts.Seed)
	if err != nil {
		return fmt.Errorf("emulator seed: %w (choose none, demo or national)", err)
	}
	if e.opts.Seed == seed.None {
		e.seedSummary = "none (empty instance)"
		return nil
	}
	payload := transform.Clone(transform.Payload(inst.Metadata))
	if e.version.Minor < 42 {
		if _, err := transform.FromCanonical(payload, e.version); err != nil {
			return fmt.Errorf("emulator seed %s: convert to DHIS2 %s: %w", e.opts.Seed, e.opts.Version, err)
		}
	}
	e.loadSeedFiles(inst)
	if err := e.importTrusted(payload); err != nil {
		return fmt.Errorf("emulator seed %s: %w", e.opts.Seed, err)
	}
	if e.opts.SeedMetadataOnly {
		inst.System.FileValues = nil // data values pointing to file resources
		if err := e.loadSeedSystem(inst); err != nil {
			return fmt.Errorf("emulator seed %s: %w", e.opts.Seed, err)
		}
		debug.FreeOSMemory()
		e.seedSummary = fmt.Sprintf("%s, metadata only (%d metadata objects; loaded in %s)",
			e.opts.Seed, inst.Stats.MetadataObjects, time.Since(start).Round(time.Millisecond))
		return nil
	}
	values, regs, err := e.loadSeedData(inst)
	if err != nil {
		return fmt.Errorf("emulator seed %s: %w", e.opts.Seed, err)
	}
	if err := e.loadSeedTracker(inst); err != nil {
		return fmt.Errorf("emulator seed %s: %w", e.opts.Seed, err)
	}
	if err := e.loadSeedSystem(inst); err != nil {
		return fmt.Errorf("emulator seed %s: %w", e.opts.Seed, err)
	}
	debug.FreeOSMemory() // return the generator's garbage before serving
	tr := e.state.tracker.stats()
	e.seedSummary = fmt.Sprintf("%s (%d metadata objects, %d data values, %d complete registrations, "+
		"%d tracked entities, %d enrollments, %d events, %d relationships; loaded in %s)",
		e.opts.Seed, inst.Stats.MetadataObjects, values, regs, tr.TrackedEntities, tr.Enrollments, tr.Events, tr.Relationships,
		time.Since(start).Round(time.Millisecond))
	return nil
}

// importTrusted imports metadata the emulator itself produced; any error
// report is a bug worth stopping for.
func (e *Emulator) importTrusted(payload map[string][]map[string]any) error {
	ip := metadata.DefaultImportParams()
	ip.Username = e.opts.AdminUsername
	report, err := e.meta.ImportObjects(payload, ip)
	if err != nil {
		return fmt.Errorf("import metadata: %w", err)
	}
	if report.Status != metadata.StatusOK {
		return fmt.Errorf("import metadata: status %s, errors %s", report.Status, firstErrors(report, 5))
	}
	return nil
}

func firstErrors(r *metadata.ImportReport, n int) string {
	var out []string
	for _, tr := range r.TypeReports {
		for _, or := range tr.ObjectReports {
			for _, er := range or.ErrorReports {
				if len(out) < n {
					out = append(out, er.ErrorCode+" "+er.Message)
				}
			}
		}
	}
	return strings.Join(out, "; ")
}

func (e *Emulator) loadSeedData(inst *seed.Instance) (values, regs int, err error) {
	for v := range inst.DataValues {
		if err := e.values.Put(datavalue.DataValue{
			DataElement: v.DataElement, Period: v.Period, OrgUnit: v.OrgUnit, CategoryOptionCombo: v.CategoryOptionCombo,
			AttributeOptionCombo: v.AttributeOptionCombo, Value: v.Value, StoredBy: v.StoredBy, Comment: v.Comment,
			Created: v.Created, LastUpdated: v.LastUpdated, FollowUp: v.FollowUp,
		}); err != nil {
			return values, regs, fmt.Errorf("data value %d: %w", values, err)
		}
		values++
	}
	for r := range inst.CompleteRegistrations {
		if err := e.values.Registrations.Put(datavalue.Registration{
			DataSet: r.DataSet, Period: r.Period, OrgUnit: r.OrgUnit, AttributeOptionCombo: r.AttributeOptionCombo,
			Date: r.Date, StoredBy: r.StoredBy, LastUpdated: r.Date, Completed: r.Completed,
		}); err != nil {
			return values, regs, fmt.Errorf("registration %d: %w", regs, err)
		}
		regs++
	}
	return values, regs, nil
}
