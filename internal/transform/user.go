package transform

// Users: ≤2.37 keep credentials in a nested userCredentials object (its own
// identifiable object, with its own uid and a userInfo back-reference);
// 2.38 moved the fields onto the user and still emits/accepts a
// userCredentials compatibility DTO; 2.42 removed the DTO. DHIS2-API.md §7.1.
//
// What ≤2.37 requires inside userCredentials (checked in dhis2-core 2.35
// UserObjectBundleHook and UserCredentials): neither the credentials' own
// id nor userInfo is required. The import hook sets userInfo to the
// enclosing user and the UserCredentials constructor generates a uid; on
// update the persisted credentials are found through the user. Down
// therefore sends no credentials id and sets userInfo{id} only as the
// documented back-reference (the shape ≤2.37 itself exports).

// credentialFields are the properties that live in userCredentials up to
// 2.37 and on the user from 2.38.
var credentialFields = []string{
	"username", "password", "userRoles", "disabled", "externalAuth", "openId", "ldapId",
	"twoFA", "passwordLastUpdated", "lastLogin", "accountExpiry",
	"catDimensionConstraints", "cogsDimensionConstraints", "selfRegistered", "invitation", "uuid",
}

// credentialBoilerplate are the userCredentials properties that belong to
// the credentials object itself (identity, audit, sharing) and are dropped
// without a warning when lifting.
var credentialBoilerplate = map[string]bool{
	"id": true, "name": true, "displayName": true, "code": true, "created": true, "lastUpdated": true,
	"lastUpdatedBy": true, "user": true, "createdBy": true, "href": true, "access": true, "favorite": true,
	"favorites": true, "translations": true, "attributeValues": true, "externalAccess": true,
	"publicAccess": true, "userAccesses": true, "userGroupAccesses": true, "sharing": true, "userInfo": true,
}

func userCredentials() Transform {
	return Transform{
		Name: "user-credentials",
		Gate: 38,
		Doc: "userCredentials{username,userRoles,disabled,…} (≤2.37) ↔ the same fields on the user (2.38+). " +
			"Destinations before 2.38 get a userCredentials object with userInfo{id}.",
		Up:   func(c *Context, p Payload) error { eachObject(p, "users", c.liftCredentials); return nil },
		Down: func(c *Context, p Payload) error { eachObject(p, "users", c.lowerCredentials); return nil },
		Lossy: []Loss{
			{Type: "users", Property: "userCredentials.id", Reason: "2.38+ has no separate credentials object, so its own uid cannot be kept"},
			{Type: "users", Property: "userCredentials", Reason: "credentials-object metadata (code, created, sharing) has no place on 2.38+ users"},
		},
	}
}

func userCredentialsDTO() Transform {
	return Transform{
		Name:   "user-credentials-dto",
		Gate:   42,
		Always: true,
		Doc: "2.38–2.41 emit a userCredentials compatibility DTO next to the flat user fields: it is merged (user fields win) and dropped on read. " +
			"The flat fields are accepted by 2.38–2.41, so nothing is added on write.",
		Up: func(c *Context, p Payload) error { eachObject(p, "users", c.liftCredentials); return nil },
	}
}

// liftCredentials moves credential fields from userCredentials onto the
// user (fields already on the user win) and removes userCredentials.
func (c *Context) liftCredentials(user map[string]any) {
	raw, ok := user["userCredentials"]
	if !ok {
		return
	}
	delete(user, "userCredentials")
	uc := asMap(raw)
	moved := map[string]bool{}
	for _, f := range credentialFields {
		v, ok := uc[f]
		if !ok {
			continue
		}
		moved[f] = true
		if cur, exists := user[f]; exists && !isEmpty(cur) {
			continue
		}
		user[f] = v
	}
	for _, k := range sortedKeys(uc) {
		if moved[k] || credentialBoilerplate[k] || isDefault(uc[k]) {
			continue
		}
		c.Warn("users", user, "userCredentials."+k, "credentials property dropped: it does not exist on 2.38+ users")
	}
}

// lowerCredentials moves credential fields from the user into a
// userCredentials object (≤2.37 requires one on every user).
func (c *Context) lowerCredentials(user map[string]any) {
	uc := asMap(user["userCredentials"])
	if uc == nil {
		uc = map[string]any{}
	}
	for _, f := range credentialFields {
		if v, ok := user[f]; ok {
			uc[f] = v
			delete(user, f)
		}
	}
	if id := objID(user); id != "" {
		uc["userInfo"] = ref(id)
	}
	if str(uc, "username") == "" {
		c.Warn("users", user, "userCredentials.username", "user has no username; DHIS2 before 2.38 will reject it")
	}
	user["userCredentials"] = uc
}
