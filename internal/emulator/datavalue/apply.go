package datavalue

// flush applies the validated batch under one lock (a read lock for dry
// runs, which change nothing).
func (im *importer) flush() {
	if len(im.batch) == 0 {
		return
	}
	im.applyBatch()
	im.batch = im.batch[:0]
	if len(im.assign) > 0 {
		im.assignFiles()
	}
}

// applyBatch applies the batch under the store's lock, stopping at a value
// that fails the whole import.
func (im *importer) applyBatch() {
	s := im.s
	if im.opts.DryRun {
		s.mu.RLock()
		defer s.mu.RUnlock()
	} else {
		s.mu.Lock()
		defer s.mu.Unlock()
	}
	for i := range im.batch {
		if im.apply(&im.batch[i]); im.failure != "" {
			return
		}
	}
}

// apply decides and performs the write of one value, following
// DefaultDataValueSetService.importDataValue (2.41). The caller holds the
// store's lock.
func (im *importer) apply(o *op) {
	s := im.s
	var existing *record
	o.rec = -1
	if im.opts.DryRun {
		if k, known := s.lookupOp(o); known {
			if i, ok := s.idx.find(&s.recs, k); ok {
				existing = s.recs.at(i)
			}
		}
	} else {
		o.key = key{de: s.uids.add(o.de), pe: s.pes.addPeriod(o.pe), ou: s.uids.add(o.ou), coc: s.uids.add(o.coc), aoc: s.uids.add(o.aoc)}
		if i, ok := s.idx.find(&s.recs, o.key); ok {
			existing, o.rec = s.recs.at(i), int64(i)
		}
	}
	strategy := im.opts.Strategy
	if strategy == Delete && o.file && (existing == nil || existing.deleted()) {
		im.cs.add(o.index, e7645, o.de)
		im.reject(o.index)
		return
	}
	if existing != nil && !o.keepCreated {
		o.created = existing.created
	}
	if o.zero && (existing == nil || strategy == Create) {
		im.sum.Ignored++ // DHIS2 2.38+ drops these from the counts; see the package doc
		return
	}
	switch {
	case existing != nil && !existing.deleted():
		switch strategy {
		case CreateAndUpdate, Update:
			im.update(o, existing)
		case Delete:
			im.sum.Deleted++
			o.deleted = true
			im.write(o)
		default:
			im.reject(o.index)
		}
	case strategy == CreateAndUpdate || strategy == Create:
		if o.value == "" && o.comment == "" {
			im.sum.Ignored++
			return
		}
		if !im.claimNew(o) {
			return
		}
		im.sum.Imported++
		im.write(o)
	default:
		im.reject(o.index)
	}
}

// lookupOp resolves an op's key without interning.
func (s *Store) lookupOp(o *op) (key, bool) {
	var k key
	var ok1, ok2, ok3, ok4, ok5 bool
	k.de, ok1 = s.uids.lookup(o.de)
	k.pe, ok2 = s.pes.byCan[o.pe]
	k.ou, ok3 = s.uids.lookup(o.ou)
	k.coc, ok4 = s.uids.lookup(o.coc)
	k.aoc, ok5 = s.uids.lookup(o.aoc)
	return k, ok1 && ok2 && ok3 && ok4 && ok5
}

// update is saveDataValueUpdate: a null, deleted or insignificant zero
// value deletes; an unchanged one is ignored when the version does so.
func (im *importer) update(o *op, existing *record) {
	if (o.value == "" && o.comment == "") || o.deleted || o.zero {
		o.deleted = true
		if !im.claimUpdate(o, existing, false) {
			return
		}
		im.sum.Deleted++
		im.write(o)
		return
	}
	s := im.s
	unchanged := s.txt.get(existing.value) == o.value && s.txt.get(existing.comment) == o.comment &&
		existing.followUp() == o.followUp
	if im.opts.IgnoreUnchanged && unchanged {
		im.sum.Ignored++
		return
	}
	if !im.claimUpdate(o, existing, unchanged) {
		return
	}
	im.sum.Updated++
	im.write(o)
}

// write stores the internal value; a dry run writes nothing.
func (im *importer) write(o *op) {
	if im.opts.DryRun {
		return
	}
	s := im.s
	r := record{key: o.key, storedBy: s.users.add(o.storedBy), created: o.created, lastUpdated: o.lastUpdated}
	if o.followUp {
		r.flags |= flagFollowUp
	}
	if o.deleted {
		r.flags |= flagDeleted
	}
	// Values and comments are at most 50,000 characters, so text.put
	// cannot fail here.
	_ = s.writeAt(o.rec, r, o.value, o.comment)
}
