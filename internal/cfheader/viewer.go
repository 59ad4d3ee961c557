package cfheader

import (
	"net/http"
	"strconv"
	"strings"
)

// The viewer headers CloudFront computes itself (specs §1.5), in
// CloudFront's casing. A cache policy or origin request policy that names
// one makes CloudFront add it after viewer-request.
const (
	IsDesktopViewer = "CloudFront-Is-Desktop-Viewer"
	IsMobileViewer  = "CloudFront-Is-Mobile-Viewer"
	IsTabletViewer  = "CloudFront-Is-Tablet-Viewer"
	IsSmartTVViewer = "CloudFront-Is-SmartTV-Viewer"
	ViewerCountry   = "CloudFront-Viewer-Country"
)

// Lambda@Edge's includeBody limits (specs §2.4): the body a request
// function sees is truncated beyond them, and a replacement may not exceed
// them.
const (
	ViewerBodyLimit = 40 << 10 // viewer-request
	OriginBodyLimit = 1 << 20  // origin-request
)

// Device is the kind of viewer CloudFront tells from the User-Agent.
type Device int

// The devices, one CloudFront-Is-*-Viewer header each.
const (
	Desktop Device = iota
	Mobile
	Tablet
	SmartTV
)

// Devices lists every Device, in the order of their headers.
var Devices = [...]Device{Desktop, Mobile, Tablet, SmartTV}

// Header is the CloudFront-Is-*-Viewer header that is "true" for d.
func (d Device) Header() string {
	switch d {
	case Mobile:
		return IsMobileViewer
	case Tablet:
		return IsTabletViewer
	case SmartTV:
		return IsSmartTVViewer
	}
	return IsDesktopViewer
}

// Token lists for DeviceOf, lowercase.
var (
	smartTVTokens = []string{"smart-tv", "smarttv", "googletv", "appletv", "hbbtv", "netcast", "roku", "crkey",
		"aftb", "afts", "bravia", "tizen tv", "webos tv"}
	tabletTokens = []string{"ipad", "tablet", "kindle", "silk/", "playbook"}
	mobileTokens = []string{"mobi", "iphone", "ipod", "android", "windows phone", "blackberry", "opera mini", "iemobile"}
)

// DeviceOf classifies a User-Agent the way CloudFront's device headers do,
// by well-known tokens; anything unrecognised is a desktop. An Android
// User-Agent without "mobile" is a tablet, as Android's own convention.
func DeviceOf(userAgent string) Device {
	s := strings.ToLower(userAgent)
	switch {
	case hasAny(s, smartTVTokens):
		return SmartTV
	case hasAny(s, tabletTokens) || (strings.Contains(s, "android") && !strings.Contains(s, "mobile")):
		return Tablet
	case hasAny(s, mobileTokens):
		return Mobile
	}
	return Desktop
}

func hasAny(s string, tokens []string) bool {
	for _, t := range tokens {
		if strings.Contains(s, t) {
			return true
		}
	}
	return false
}

// ViewerValue returns the value CloudFront gives the viewer header name
// (any case) for a viewer with userAgent in country, and false when name
// is not one CloudFront computes, or is CloudFront-Viewer-Country and the
// country is unknown ("").
func ViewerValue(name, userAgent, country string) (string, bool) {
	name = http.CanonicalHeaderKey(name)
	if name == http.CanonicalHeaderKey(ViewerCountry) {
		return country, country != ""
	}
	for _, d := range Devices {
		if name == http.CanonicalHeaderKey(d.Header()) {
			return strconv.FormatBool(DeviceOf(userAgent) == d), true
		}
	}
	return "", false
}

// IsViewerHeader reports whether name (any case) is a header ViewerValue
// computes.
func IsViewerHeader(name string) bool {
	_, ok := ViewerValue(name, "", "-")
	return ok
}

// A CountryFunc gives a viewer's ISO 3166-1 alpha-2 country code from its IP
// address, "" when unknown: a GeoIP database's lookup, or FixedCountry.
type CountryFunc func(ip string) string

// FixedCountry answers code for every viewer: the development override
// when there is no GeoIP database. An empty code answers nothing.
func FixedCountry(code string) CountryFunc {
	if code == "" {
		return nil
	}
	return func(string) string { return code }
}

// Country is f's answer for ip, or "" when f is nil.
func (f CountryFunc) Country(ip string) string {
	if f == nil {
		return ""
	}
	return f(ip)
}
