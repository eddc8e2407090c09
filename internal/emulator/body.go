package emulator

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
)

// maxZipBody bounds a zip request body, which must be read whole.
const maxZipBody = 1 << 30

// importBody returns the request body of an import endpoint, unpacked when
// it starts with gzip (1f 8b) or zip (PK\x03\x04) magic bytes, as DHIS2's
// StreamUtils.wrapAndCheckCompressionFormat does: no Content-Encoding
// header is needed. A zip body yields its first file.
func importBody(r *http.Request) (io.Reader, error) {
	br := bufio.NewReaderSize(r.Body, 64<<10)
	magic, _ := br.Peek(4)
	switch {
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, errStatus(http.StatusBadRequest, "Invalid gzip request body: %v", err)
		}
		return zr, nil
	case bytes.Equal(magic, []byte("PK\x03\x04")):
		return unzipFirst(br)
	}
	return br, nil
}

func unzipFirst(r io.Reader) (io.Reader, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxZipBody+1))
	if err != nil {
		return nil, fmt.Errorf("read zip body: %w", err)
	}
	if len(data) > maxZipBody {
		return nil, errStatus(http.StatusRequestEntityTooLarge, "Zip request body larger than %d bytes", maxZipBody)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, errStatus(http.StatusBadRequest, "Invalid zip request body: %v", err)
	}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, errStatus(http.StatusBadRequest, "Invalid zip entry %s: %v", f.Name, err)
		}
		return rc, nil
	}
	return nil, errStatus(http.StatusBadRequest, "Zip request body holds no file")
}
