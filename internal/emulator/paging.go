package emulator

import (
	"net/http"
	"net/url"
	"strconv"
)

// defaultPageSize is DHIS2's Pager.DEFAULT_PAGE_SIZE.
const defaultPageSize = 50

// pageOf wraps a list in DHIS2's paged envelope {"pager":{…},key:[…]};
// paging=false returns every item and no pager. nextPage and prevPage are
// absolute URLs present only when applicable.
func pageOf(r *http.Request, key string, items []any) map[string]any {
	if items == nil {
		items = []any{}
	}
	q := r.URL.Query()
	if q.Get("paging") == "false" || q.Get("skipPaging") == "true" {
		return map[string]any{key: items}
	}
	page, size := intParam(q, "page", 1), intParam(q, "pageSize", defaultPageSize)
	total := len(items)
	count := (total + size - 1) / size
	if count == 0 {
		count = 1
	}
	page = min(page, count)
	from := min((page-1)*size, total)
	to := min(from+size, total)
	pager := map[string]any{"page": page, "pageCount": count, "total": total, "pageSize": size}
	link := func(p int) string {
		u := *r.URL
		v := u.Query()
		v.Set("page", strconv.Itoa(p))
		u.RawQuery = v.Encode()
		return baseURL(r) + u.RequestURI()
	}
	if page < count {
		pager["nextPage"] = link(page + 1)
	}
	if page > 1 {
		pager["prevPage"] = link(page - 1)
	}
	return map[string]any{"pager": pager, key: items[from:to]}
}

func intParam(q url.Values, name string, def int) int {
	n, err := strconv.Atoi(q.Get(name))
	if err != nil || n < 1 {
		return def
	}
	return n
}
