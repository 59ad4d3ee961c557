package geoip

// opOpen names Open in errors.
const opOpen = "geoip.Open"

// countryTypes are substrings of the metadata database_type (compared in
// lower case) of databases whose records carry {"country":{"iso_code":…}}:
// "GeoLite2-Country", "GeoIP2-Country", "DBIP-Country-Lite",
// "GeoLite2-City", "GeoIP2-Enterprise", "DBIP-City-Lite"…
// ASN, ISP, Anonymous-IP, Connection-Type and Domain databases match none.
var countryTypes = []string{"country", "city", "enterprise"}

// Record paths, in the GeoIP2 record shape. registered_country (where the
// network is registered) answers when country (where the viewer is) is
// absent, as MaxMind leaves it on some anycast and satellite networks.
var (
	countryPath    = []any{"country", "iso_code"}
	registeredPath = []any{"registered_country", "iso_code"}
)
