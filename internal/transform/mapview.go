package transform

// Map views: up to 2.31 maps reference top-level mapViews by id; from 2.32
// maps embed their views (maps[].mapViews are full objects), and from 2.34
// posting a view both embedded and at top level fails as a duplicate. A
// full /api/metadata export of any version still lists mapViews at top
// level. The canonical form embeds every view in its map and keeps at top
// level only the views no map in the payload embeds.

func mapViewsEmbedded() Transform {
	return Transform{
		Name:   "mapviews-embedded",
		Gate:   32,
		Always: true,
		Doc: "Top-level mapViews referenced by maps are embedded in maps[].mapViews and the top-level copies dropped (every source). " +
			"Destinations before 2.32 get the views at top level and {id} references in maps.",
		Up:   func(c *Context, p Payload) error { c.embedMapViews(p); return nil },
		Down: func(c *Context, p Payload) error { c.unembedMapViews(p); return nil },
	}
}

func (c *Context) embedMapViews(p Payload) {
	top := map[string]map[string]any{}
	for _, mv := range p["mapViews"] {
		if id := objID(mv); id != "" {
			top[id] = mv
		}
	}
	embedded := map[string]bool{}
	eachObject(p, "maps", func(m map[string]any) {
		views := asSlice(m["mapViews"])
		for i, e := range views {
			mv := asMap(e)
			id := objID(mv)
			if id == "" {
				continue
			}
			if isRef(mv) {
				full, ok := top[id]
				if !ok {
					c.Warn("maps", m, "mapViews", "map view %s is neither embedded nor in the payload; kept as a reference", id)
					continue
				}
				views[i] = full
			}
			embedded[id] = true
		}
		if views != nil {
			m["mapViews"] = views
		}
	})
	if len(embedded) == 0 {
		return
	}
	kept := p["mapViews"][:0:0]
	for _, mv := range p["mapViews"] {
		if !embedded[objID(mv)] {
			kept = append(kept, mv)
		}
	}
	if len(kept) == 0 {
		delete(p, "mapViews")
	} else {
		p["mapViews"] = kept
	}
}

func (c *Context) unembedMapViews(p Payload) {
	have := map[string]bool{}
	for _, mv := range p["mapViews"] {
		have[objID(mv)] = true
	}
	eachObject(p, "maps", func(m map[string]any) {
		views := asSlice(m["mapViews"])
		for i, e := range views {
			mv := asMap(e)
			id := objID(mv)
			if mv == nil || isRef(mv) {
				continue
			}
			if id == "" {
				c.Warn("maps", m, "mapViews", "embedded map view without id cannot be referenced before 2.32; kept embedded")
				continue
			}
			if !have[id] {
				p["mapViews"] = append(p["mapViews"], mv)
				have[id] = true
			}
			views[i] = ref(id)
		}
		if views != nil {
			m["mapViews"] = views
		}
	})
}
