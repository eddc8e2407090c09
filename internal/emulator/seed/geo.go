package seed

import "math"

// rect is an axis-aligned cell in longitude/latitude degrees before warping.
type rect struct{ x0, y0, x1, y1 float64 }

func (r rect) w() float64 { return r.x1 - r.x0 }
func (r rect) h() float64 { return r.y1 - r.y0 }

// splitGrid cuts r into exactly n cells: a grid of cols columns whose last
// row is stretched when n is not a multiple of cols.
func splitGrid(r rect, n int) []rect {
	cols := max(1, int(math.Round(math.Sqrt(float64(n)*r.w()/r.h()))))
	cols = min(cols, n)
	rows := (n + cols - 1) / cols
	cells := make([]rect, 0, n)
	for row := range rows {
		inRow := cols
		if row == rows-1 {
			inRow = n - cols*(rows-1)
		}
		y1 := r.y1 - r.h()*float64(row)/float64(rows)
		y0 := r.y1 - r.h()*float64(row+1)/float64(rows)
		for c := range inRow {
			x0 := r.x0 + r.w()*float64(c)/float64(inRow)
			x1 := r.x0 + r.w()*float64(c+1)/float64(inRow)
			cells = append(cells, rect{x0, y0, x1, y1})
		}
	}
	return cells
}

// warp bends straight grid lines into smooth borders. It is a small,
// continuous displacement, so shared borders stay shared and rings stay
// simple.
func warp(x, y float64) (float64, float64) {
	return x + 0.09*math.Sin(2.1*y+0.7) + 0.04*math.Sin(5.3*y+1.9),
		y + 0.08*math.Sin(1.7*x+0.3) + 0.03*math.Sin(4.9*x+2.6)
}

func round6(v float64) float64 { return math.Round(v*1e5) / 1e5 }

// polygon returns the warped GeoJSON polygon of r, each side sampled with
// steps segments, as a counter-clockwise closed ring (RFC 7946).
func polygon(r rect, steps int) map[string]any {
	corners := [][2]float64{{r.x0, r.y0}, {r.x1, r.y0}, {r.x1, r.y1}, {r.x0, r.y1}}
	ring := make([]any, 0, 4*steps+1)
	for side := range 4 {
		a, b := corners[side], corners[(side+1)%4]
		for s := range steps {
			t := float64(s) / float64(steps)
			x, y := warp(a[0]+(b[0]-a[0])*t, a[1]+(b[1]-a[1])*t)
			ring = append(ring, []any{round6(x), round6(y)})
		}
	}
	ring = append(ring, ring[0])
	return map[string]any{"type": "Polygon", "coordinates": []any{ring}}
}

// pointIn returns a warped GeoJSON point inside r (kept away from the edges).
func pointIn(r rect, g *rng) (map[string]any, [2]float64) {
	x := r.x0 + r.w()*g.uniform(0.1, 0.9)
	y := r.y0 + r.h()*g.uniform(0.1, 0.9)
	wx, wy := warp(x, y)
	p := [2]float64{round6(wx), round6(wy)}
	return map[string]any{"type": "Point", "coordinates": []any{p[0], p[1]}}, p
}
