package emulator

import (
	"maps"
	"sync"
)

// ObjectCounts counts committed metadata writes of one type.
type ObjectCounts struct {
	Created int64 `json:"created"`
	Updated int64 `json:"updated"`
	Deleted int64 `json:"deleted"`
}

// ImportCounts counts committed data writes (values or registrations).
// Ignored entries changed nothing and are not writes.
type ImportCounts struct {
	Imported int64 `json:"imported"`
	Updated  int64 `json:"updated"`
	Deleted  int64 `json:"deleted"`
	Ignored  int64 `json:"ignored"`
}

func (c ImportCounts) writes() int64 { return c.Imported + c.Updated + c.Deleted }

// WriteCounts is what the emulator's state received since start or the
// last reset. Dry runs and VALIDATE imports count nothing, so a test can
// assert that a dry run wrote nothing (Total() == 0) or that a second
// sync created nothing.
type WriteCounts struct {
	Metadata       map[string]ObjectCounts `json:"metadata"` // by plural type, e.g. "dataElements"
	DataValues     ImportCounts            `json:"dataValues"`
	Registrations  ImportCounts            `json:"completeDataSetRegistrations"`
	Approvals      int64                   `json:"dataApprovals"`
	MinMax         int64                   `json:"minMaxDataElements"`
	LockExceptions int64                   `json:"lockExceptions"`
	Tokens         int64                   `json:"apiTokens"`
	Tracker        TrackerCounts           `json:"tracker"`
	System         SystemCounts            `json:"system"` // settings, dataStore, files, apps, icons, interpretations
}

// Total is the number of state-changing writes of every kind.
func (c WriteCounts) Total() int64 {
	n := c.DataValues.writes() + c.Registrations.writes() + c.Approvals + c.MinMax + c.LockExceptions + c.Tokens + c.Tracker.writes() + c.System.total()
	for _, m := range c.Metadata {
		n += m.Created + m.Updated + m.Deleted
	}
	return n
}

// MetadataCreated is the number of metadata objects created, all types.
func (c WriteCounts) MetadataCreated() int64 {
	var n int64
	for _, m := range c.Metadata {
		n += m.Created
	}
	return n
}

// counters is the thread-safe accumulator behind WriteCounts.
type counters struct {
	mu sync.Mutex
	c  WriteCounts
}

func newCounters() *counters { return &counters{c: WriteCounts{Metadata: map[string]ObjectCounts{}}} }

func (k *counters) snapshot() WriteCounts {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := k.c
	out.Metadata = maps.Clone(k.c.Metadata)
	return out
}

func (k *counters) reset() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.c = WriteCounts{Metadata: map[string]ObjectCounts{}}
}

func (k *counters) update(f func(c *WriteCounts)) {
	k.mu.Lock()
	defer k.mu.Unlock()
	f(&k.c)
}

func (k *counters) addMetadata(plural string, created, updated, deleted int64) {
	if created == 0 && updated == 0 && deleted == 0 {
		return
	}
	k.update(func(c *WriteCounts) {
		m := c.Metadata[plural]
		m.Created += created
		m.Updated += updated
		m.Deleted += deleted
		c.Metadata[plural] = m
	})
}
