package dhis2

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/url"
	"strconv"
	"strings"
)

// PageInfo describes one page of a paged list, as reported by the server.
// Zero values mean "not reported".
type PageInfo struct {
	Page      int  // 1-based page number
	PageSize  int  // requested page size
	PageCount int  // number of pages (metadata lists; tracker only with totalPages=true)
	Total     int  // number of items (idem)
	Items     int  // items on this page
	Last      bool // the pager says (or implies) that this is the last page
}

// ListOptions tune List.
type ListOptions struct {
	// Key is the JSON key of the item array ("dataElements",
	// "trackedEntities", "events" …). The 2.36–2.40 tracker key "instances"
	// is always accepted too. Empty means the first array in the envelope.
	Key string
	// PageSize sets the pageSize parameter; 0 keeps the server default
	// (50) or the query's own pageSize.
	PageSize int
	// OnPage, when set, is called after each page with its pager.
	OnPage func(PageInfo)
}

// pageMeta is what decodePage learned from one page envelope.
type pageMeta struct {
	PageInfo
	hasPager   bool   // a "pager" object or the flat 2.36–2.41 tracker fields
	countKnown bool   // pageCount reported
	lastKnown  bool   // isLastPage reported
	foundKey   string // the key of the item array, "" when absent
}

// pagerJSON is the "pager" object of metadata lists, old tracker and
// 2.41+ new tracker lists. Pointers distinguish absent fields.
type pagerJSON struct {
	Page       *int    `json:"page"`
	PageCount  *int    `json:"pageCount"`
	Total      *int    `json:"total"`
	PageSize   *int    `json:"pageSize"`
	NextPage   *string `json:"nextPage"`
	IsLastPage *bool   `json:"isLastPage"`
}

// List iterates over every item of a paged list endpoint, page by page,
// yielding each item as raw JSON as soon as it is decoded (a page body is
// never held whole in memory). It understands the {"pager":{…},"<key>":[…]}
// envelope (metadata lists, old tracker, 2.41+ tracker) and the 2.36–2.40
// tracker envelope {"instances":[…],"page":…,"pageSize":…}.
//
// Paging stops on an empty page, on isLastPage, or when page ≥ pageCount
// (pageCount is trusted only when consistent: total > 0 and page ≤
// pageCount, because old tracker endpoints report bogus counts without
// totalPages=true). A page without a pager, a server that ignores the page
// parameter, a truncated body or malformed JSON ends the iteration with an
// error — never with a silent short list. With paging=false or
// skipPaging=true in query a single unpaged request is made.
//
// The iteration holds one concurrency slot of the client while a page is
// streamed, also while the loop body runs: calls made on the same client
// inside the loop must not exceed MaxConcurrent−1 at a time. Breaking out
// of the loop closes the stream and frees the slot.
func (c *Client) List(ctx context.Context, path string, query url.Values, opt ListOptions) iter.Seq2[json.RawMessage, error] {
	return func(yield func(json.RawMessage, error) bool) {
		q := cloneValues(query)
		if opt.PageSize > 0 {
			q.Set("pageSize", strconv.Itoa(opt.PageSize))
		}
		unpaged := strings.EqualFold(q.Get("paging"), "false") || strings.EqualFold(q.Get("skipPaging"), "true")
		page := 1
		if p, err := strconv.Atoi(q.Get("page")); err == nil && p > 0 {
			page = p
		}
		for n := 0; n < 10_000_000; n++ {
			if !unpaged {
				q.Set("page", strconv.Itoa(page))
			}
			stopped := false
			op := fmt.Sprintf("read %s (page %d)", opPath(path), page)
			var meta pageMeta
			err := c.decodeStreamJSON(ctx, op, path, q, func(dec *json.Decoder) error {
				var err error
				meta, err = decodePage(dec, opt.Key, func(raw json.RawMessage) error {
					if !yield(raw, nil) {
						stopped = true
						return errStop
					}
					return nil
				})
				return err
			})
			if stopped {
				return
			}
			if err == nil {
				err = c.checkPage(op, meta, page, unpaged, opt.Key)
			}
			if err != nil {
				yield(nil, err)
				return
			}
			if opt.OnPage != nil {
				opt.OnPage(meta.PageInfo)
			}
			if unpaged || meta.Last {
				return
			}
			page++
		}
		yield(nil, c.newError("read "+opPath(path), KindBadResponse, 0, errors.New("too many pages")))
	}
}

var errStop = errors.New("iteration stopped")

// checkPage validates a decoded page and decides whether it is the last.
func (c *Client) checkPage(op string, m pageMeta, page int, unpaged bool, key string) error {
	if m.foundKey == "" {
		want := key
		if want == "" {
			want = "item"
		}
		return c.newError(op, KindBadResponse, 0, fmt.Errorf("the answer has no %q array", want))
	}
	if unpaged {
		return nil
	}
	if !m.hasPager {
		return c.newError(op, KindBadResponse, 0, errors.New("the page has no pager although paging was requested: the body may be cut or the endpoint does not page"))
	}
	if m.Page != 0 && m.Page != page {
		return c.newError(op, KindBadResponse, 0, fmt.Errorf("asked for page %d but the server answered page %d", page, m.Page))
	}
	return nil
}

// decodePage reads one page envelope from dec, handing each item of the
// item array to fn, and reports the pager. It sets Last according to the
// stop rules of List.
func decodePage(dec *json.Decoder, key string, fn func(json.RawMessage) error) (pageMeta, error) {
	var m pageMeta
	var flat pagerJSON
	if err := expectDelim(dec, '{'); err != nil {
		return m, err
	}
	for {
		k, ok, err := objectKey(dec)
		if err != nil {
			return m, err
		}
		if !ok {
			break
		}
		if err := decodePageField(dec, k, key, &m, &flat, fn); err != nil {
			return m, err
		}
	}
	if err := expectEnd(dec); err != nil {
		return m, err
	}
	if !m.hasPager && flat.Page != nil {
		m.hasPager = true
		applyPager(&m, &flat)
	}
	m.Last = isLastPage(&m)
	return m, nil
}

func decodePageField(dec *json.Decoder, k, key string, m *pageMeta, flat *pagerJSON, fn func(json.RawMessage) error) error {
	switch {
	case k == "pager":
		var p pagerJSON
		if err := dec.Decode(&p); err != nil {
			return eofAsUnexpected(err)
		}
		m.hasPager = true
		applyPager(m, &p)
		return nil
	case k == "page" || k == "pageSize" || k == "pageCount" || k == "total":
		var v *int
		if err := dec.Decode(&v); err != nil {
			return eofAsUnexpected(err)
		}
		switch k {
		case "page":
			flat.Page = v
		case "pageSize":
			flat.PageSize = v
		case "pageCount":
			flat.PageCount = v
		case "total":
			flat.Total = v
		}
		return nil
	case m.foundKey == "" && (k == key || k == "instances" || key == ""):
		isArr, err := peekArrayOrSkip(dec)
		if err != nil || !isArr {
			return err
		}
		m.foundKey = k
		n, err := streamOpenArray(dec, fn)
		m.Items = n
		return err
	}
	return skipValue(dec)
}

func applyPager(m *pageMeta, p *pagerJSON) {
	if p.Page != nil {
		m.Page = *p.Page
	}
	if p.PageSize != nil {
		m.PageSize = *p.PageSize
	}
	if p.PageCount != nil {
		m.PageCount = *p.PageCount
		m.countKnown = true
	}
	if p.Total != nil {
		m.Total = *p.Total
	}
	if p.IsLastPage != nil {
		m.lastKnown = true
		m.Last = *p.IsLastPage
	}
}

// isLastPage applies the stop rules: empty page, isLastPage, or a
// consistent pageCount reached.
func isLastPage(m *pageMeta) bool {
	switch {
	case m.Items == 0:
		return true
	case m.lastKnown:
		return m.Last
	case m.countKnown && m.Total > 0 && m.Page >= 1 && m.Page <= m.PageCount:
		return m.Page >= m.PageCount
	}
	return false
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v)+2)
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// DecodePage decodes one page envelope from r (see List), handing each
// item to fn. It is exported for tests and tools that read saved pages.
func DecodePage(r io.Reader, key string, fn func(json.RawMessage) error) (PageInfo, error) {
	dec := json.NewDecoder(r)
	m, err := decodePage(dec, key, fn)
	if err != nil {
		var cb callbackError
		if errors.As(err, &cb) {
			return m.PageInfo, cb.err
		}
		return m.PageInfo, err
	}
	if m.foundKey == "" {
		return m.PageInfo, fmt.Errorf("%w: no item array", errBadShape)
	}
	return m.PageInfo, nil
}
