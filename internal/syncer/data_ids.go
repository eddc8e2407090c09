package syncer

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/d2sync/d2sync/internal/dhis2"
)

// idMappings returns source UID → destination UID: the pair's stored
// mappings (discovered by the metadata stage or configured) and the
// default category option combo of each side, matched by name.
func (d *dataRun) idMappings(ctx context.Context) (map[string]string, error) {
	m, err := d.r.Opts.State.IDMap(ctx, d.r.PairKey)
	if err != nil {
		return nil, fmt.Errorf("read the ID mappings: %w", err)
	}
	out := m.Flat()
	src, err := defaultCOC(ctx, d.src)
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	dst, err := defaultCOC(ctx, d.dst)
	if err != nil {
		return nil, fmt.Errorf("destination: %w", err)
	}
	if src != "" && dst != "" && src != dst {
		out[src] = dst
	}
	return out, nil
}

// defaultCOC returns the UID of the instance's default category option
// combo.
func defaultCOC(ctx context.Context, c *dhis2.Client) (string, error) {
	var body struct {
		COCs []struct {
			ID string `json:"id"`
		} `json:"categoryOptionCombos"`
	}
	q := url.Values{"fields": {"id"}, "filter": {"name:eq:default"}, "paging": {"false"}}
	if err := c.GetJSON(ctx, "categoryOptionCombos", q, &body); err != nil {
		return "", fmt.Errorf("read the default category option combo: %w", err)
	}
	for _, c := range body.COCs {
		if c.ID == DefaultUIDs["categoryOptionCombos"] {
			return c.ID, nil
		}
	}
	if len(body.COCs) > 0 {
		return body.COCs[0].ID, nil
	}
	return "", nil
}

// isUnknown reports whether a write failed with an unknown outcome (it
// may have been applied).
func isUnknown(err error) bool {
	return errors.Is(err, dhis2.ErrUnknownOutcome)
}
