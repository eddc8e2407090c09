package seed

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	nameStarts = []string{"Ba", "Bé", "Bo", "Bou", "Da", "Di", "Dia", "Dou", "Fa", "Fo", "Ga", "Gou", "Ka", "Ké", "Ki", "Ko",
		"Kou", "La", "Lé", "Lo", "Ma", "Mé", "Mo", "Na", "Ni", "Nia", "Ou", "Pa", "Po", "Sa", "Sé", "Si", "So", "Sou",
		"Ta", "Té", "Ti", "Tia", "To", "Tou", "Wa", "Ya", "Yé", "Za", "Zi", "Zou"}
	nameMiddles = []string{"ba", "bi", "bo", "da", "di", "dou", "fa", "ga", "gou", "ka", "ki", "kou", "la", "li", "lo", "ma",
		"mi", "mou", "na", "ni", "no", "ra", "ri", "sa", "si", "so", "ta", "ti", "tou", "wa", "ya", "za"}
	nameEnds = []string{"", "", "", "", "go", "ré", "la", "dougou", "ba", "ko", "lé", "sso", "ga", "bé", "ni", "gou", "ra"}
)

// placeNames generates unique, pronounceable French-African place names.
type placeNames struct {
	r    rng
	used map[string]bool
}

func newPlaceNames(seed uint64) *placeNames {
	return &placeNames{r: newRNG(seed), used: map[string]bool{}}
}

func (p *placeNames) next() string {
	for {
		var b strings.Builder
		b.WriteString(pick(&p.r, nameStarts))
		for range p.r.between(1, 2) {
			b.WriteString(pick(&p.r, nameMiddles))
		}
		b.WriteString(pick(&p.r, nameEnds))
		n := b.String()
		if utf8.RuneCountInString(n) > 16 || p.used[n] {
			continue
		}
		p.used[n] = true
		return n
	}
}

// slug turns a name into a lowercase ASCII identifier (for usernames).
func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch r {
		case 'é', 'è', 'ê', 'ë':
			r = 'e'
		case 'à', 'â':
			r = 'a'
		case 'ï', 'î':
			r = 'i'
		case 'ô', 'ö':
			r = 'o'
		case 'ù', 'û', 'ü':
			r = 'u'
		case 'ç':
			r = 'c'
		}
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// people is a list of first names and surnames used for users and tracked
// entities.
var (
	femaleFirst = []string{"Aminata", "Fatoumata", "Mariam", "Awa", "Salimata", "Adjoua", "Rokia", "Clarisse", "Aïcha", "Kadidiatou",
		"Assétou", "Bintou", "Djénéba", "Fanta", "Haoua", "Korotoumou", "Mamounata", "Nafissatou", "Oumou", "Ramatou",
		"Safiatou", "Habibata", "Alimata", "Pauline", "Germaine", "Odile", "Bernadette", "Félicité", "Rasmata", "Zénabou",
		"Séraphine", "Edwige", "Christelle", "Estelle", "Mariette", "Sidonie", "Viviane", "Josiane", "Nadège", "Irène"}
	maleFirst = []string{"Ibrahim", "Moussa", "Issa", "Boubacar", "Paul", "Jean-Baptiste", "Yao", "Adama", "Amadou", "Seydou",
		"Souleymane", "Abdoulaye", "Lassina", "Mamadou", "Ousmane", "Harouna", "Idrissa", "Karim", "Sibiri", "Théophile",
		"Emmanuel", "Hervé", "Arsène", "Blaise", "Dieudonné", "Innocent", "Joachim", "Lucien", "Omar", "Salif"}
	surnames = []string{"Diallo", "Traoré", "Koné", "Ouédraogo", "Sawadogo", "Kaboré", "Coulibaly", "Sanogo", "Zongo", "Yaméogo",
		"Kouassi", "N'Guessan", "Diarra", "Cissé", "Tapsoba", "Compaoré", "Zoungrana", "Ouattara", "Konaté", "Sangaré",
		"Kéita", "Touré", "Dembélé", "Bamba", "Soro", "Kambou", "Somé", "Dabiré", "Nikiéma", "Ilboudo",
		"Bationo", "Kiemdé", "Sankara", "Guiro", "Barry", "Sow", "Bâ", "Fofana", "Camara", "Doumbia"}
)
