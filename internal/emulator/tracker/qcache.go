package tracker

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// queryCache keeps the matches of the latest paged queries, valid for one
// store generation and one catalog: a client paging through a listing
// (page 1, 2, 3… of the same query) has each page cut from the matches of
// the first instead of matching the whole store again.
type queryCache struct {
	mu      sync.Mutex
	entries []cacheEntry // oldest first
}

type cacheEntry struct {
	gen   uint64
	cat   *Index
	key   string
	items []obj
}

const queryCacheSize = 8

func (c *queryCache) get(gen uint64, cat *Index, key string) ([]obj, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.entries {
		if e.gen == gen && e.cat == cat && e.key == key {
			return e.items, true
		}
	}
	return nil, false
}

func (c *queryCache) put(gen uint64, cat *Index, key string, items []obj) {
	c.mu.Lock()
	defer c.mu.Unlock()
	live := c.entries[:0]
	for _, e := range c.entries {
		if e.gen == gen && e.cat == cat && e.key != key {
			live = append(live, e)
		}
	}
	clear(c.entries[len(live):])
	c.entries = live
	if len(c.entries) == queryCacheSize {
		c.entries[0] = cacheEntry{}
		c.entries = append(c.entries[:0], c.entries[1:]...)
	}
	c.entries = append(c.entries, cacheEntry{gen: gen, cat: cat, key: key, items: items})
}

// cacheKey identifies what a query matches and in which order (every
// field but the paging ones).
func (q Query) cacheKey() string {
	var b strings.Builder
	tm := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return t.Format(time.RFC3339Nano)
	}
	fmt.Fprintf(&b, "%q|%q|%q|%q|%q|%q|%q|%q|%q|%q|%s|%s|%s|%s|%t|%q|", q.Kind, q.UIDs, q.Program, q.ProgramStage, q.TrackedEntityType,
		q.TrackedEntity, q.OrgUnits, q.OrgUnitMode, q.Status, q.ProgramStatus, tm(q.UpdatedAfter), tm(q.UpdatedBefore),
		tm(q.OccurredAfter), tm(q.OccurredBefore), q.IncludeDeleted, q.Related)
	for _, o := range q.Order {
		fmt.Fprintf(&b, "%q:%t,", o.Field, o.Desc)
	}
	return b.String()
}
