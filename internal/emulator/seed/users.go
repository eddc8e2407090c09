package seed

import (
	"fmt"
	"strings"
)

var userRoleCatalog = []struct {
	key, fr, code, desc string
	authorities         []string
}{
	{"admin", "Administrateur du SNIS", "UR_ADMIN_SNIS", "Administration complète de l'instance nationale", []string{"ALL"}},
	{"gestionnaire", "Gestionnaire de données", "UR_GESTIONNAIRE", "Saisie, validation, complétude et exports des données",
		[]string{"F_DATAVALUE_ADD", "F_DATAVALUE_DELETE", "F_DATASET_PUBLIC_ADD", "F_RUN_VALIDATION", "F_EXPORT_DATA", "F_VIEW_UNAPPROVED_DATA",
			"F_APPROVE_DATA", "F_APPROVE_DATA_LOWER_LEVELS", "F_PREDICTOR_RUN", "M_dhis-web-aggregate-data-entry", "M_dhis-web-data-quality",
			"M_dhis-web-dashboard", "M_dhis-web-data-visualizer", "M_dhis-web-maps", "M_dhis-web-reports", "M_dhis-web-import-export"}},
	{"saisie", "Agent de saisie des rapports", "UR_SAISIE", "Saisie des rapports mensuels et hebdomadaires",
		[]string{"F_DATAVALUE_ADD", "F_DATAVALUE_DELETE", "M_dhis-web-aggregate-data-entry", "M_dhis-web-dashboard"}},
	{"tracker", "Agent de suivi individuel", "UR_TRACKER", "Inscription et suivi des femmes enceintes, notification des cas",
		[]string{"F_TRACKED_ENTITY_INSTANCE_SEARCH", "F_TRACKED_ENTITY_INSTANCE_ADD", "F_TRACKED_ENTITY_INSTANCE_DELETE",
			"F_UNCOMPLETE_EVENT", "F_VIEW_EVENT_ANALYTICS", "M_dhis-web-capture", "M_dhis-web-tracker-capture", "M_dhis-web-dashboard"}},
	{"lecture", "Lecture des tableaux de bord", "UR_LECTURE", "Consultation des tableaux de bord, cartes et rapports",
		[]string{"F_VIEW_EVENT_ANALYTICS", "M_dhis-web-dashboard", "M_dhis-web-data-visualizer", "M_dhis-web-maps", "M_dhis-web-line-listing", "M_dhis-web-reports"}},
}

var userGroupCatalog = []groupDef{
	{"national", "Équipe nationale du SNIS", "National HMIS team", "UG_NATIONAL"},
	{"gestionnaires", "Gestionnaires de données régionaux", "Regional data managers", "UG_GESTIONNAIRES"},
	{"agents", "Agents de suivi prénatal", "Antenatal follow-up agents", "UG_AGENTS"},
	{"analystes", "Analystes et décideurs", "Analysts and decision makers", "UG_ANALYSTES"},
}

type userDef struct {
	key, first, last string
	roles            []string
	group            string
	units, search    []string
	disabled         bool
}

func (b *builder) buildUsers() {
	w := b.w
	country := b.uid("organisationUnit", "country")
	users := []userDef{
		{"u1", "Aminata", "Diallo", []string{"admin"}, "national", []string{country}, nil, false},
		{"u2", "Ibrahim", "Traoré", []string{"gestionnaire", "saisie"}, "national", []string{country}, nil, false},
		{"u3", "Fatoumata", "Koné", []string{"lecture"}, "analystes", []string{country}, nil, false},
		{"u4", "Moussa", "Ouédraogo", []string{"lecture"}, "analystes", []string{country}, nil, false},
		{"u5", "Paul", "Yaméogo", []string{"gestionnaire"}, "national", []string{country}, nil, true},
	}
	r := newRNG(seedOf(w.ns, 3))
	for ri, reg := range w.regions {
		first := pick(&r, append(append([]string{}, femaleFirst...), maleFirst...))
		users = append(users, userDef{fmt.Sprintf("gr%d", ri), first, pick(&r, surnames), []string{"gestionnaire", "saisie"},
			"gestionnaires", []string{reg.uid}, nil, false})
	}
	for i := range 3 {
		dist := w.districts[(i*7)%len(w.districts)]
		users = append(users, userDef{fmt.Sprintf("ag%d", i), femaleFirst[10+i], surnames[20+i], []string{"tracker"}, "agents",
			[]string{dist.uid}, []string{w.regions[dist.parent].uid}, false})
	}
	members := map[string][]string{}
	taken := map[string]bool{"admin": true}
	for _, u := range users {
		id := b.uid("user", u.key)
		name := username(u.first, u.last, taken)
		if strings.HasPrefix(u.key, "gr") {
			w.managers = append(w.managers, name)
		}
		members[u.group] = append(members[u.group], id)
		var roles []string
		for _, k := range u.roles {
			roles = append(roles, b.uid("userRole", k))
		}
		search := u.search
		if search == nil {
			search = u.units
		}
		b.add("users", obj{
			"id": id, "username": name, "firstName": u.first, "surname": u.last, "disabled": u.disabled,
			"email": name + "@sante.gouv.ym", "phoneNumber": fmt.Sprintf("+226 70 %02d %02d %02d", r.intn(100), r.intn(100), r.intn(100)),
			"externalAuth": false, "userRoles": refList(roles),
			"organisationUnits": refList(u.units), "dataViewOrganisationUnits": refList(u.units),
			"teiSearchOrganisationUnits": refList(search),
		})
	}
	for _, ur := range userRoleCatalog {
		auth := make([]any, len(ur.authorities))
		for i, a := range ur.authorities {
			auth[i] = a
		}
		b.add("userRoles", obj{
			"id": b.uid("userRole", ur.key), "name": ur.fr, "code": ur.code, "description": ur.desc, "authorities": auth,
			"sharing": b.sharing("r-------"),
		})
	}
	for _, g := range userGroupCatalog {
		b.add("userGroups", obj{
			"id": b.uid("userGroup", g.key), "name": g.fr, "code": g.code,
			"users": refList(members[g.key]), "managedGroups": []any{},
			"translations": tr("NAME", g.fr, g.en),
			"sharing":      b.sharing("r-------", "national", "rw------"),
		})
	}
}

// username builds first-initial + surname, unique among taken.
func username(first, last string, taken map[string]bool) string {
	base := slug(first)[:1] + slug(last)
	name := base
	for i := 2; taken[name]; i++ {
		name = fmt.Sprintf("%s%d", base, i)
	}
	taken[name] = true
	return name
}
