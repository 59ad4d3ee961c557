package cfheader

import "testing"

func TestRules(t *testing.T) {
	type tc struct {
		in                    string
		disallowed, name, ctl bool
	}
	for _, c := range []tc{
		{in: "x-amz-cf-id", disallowed: true, name: true},
		{in: "x-edge-location", disallowed: true, name: true},
		{in: "connection", disallowed: true, name: true},
		{in: "x-forwarded-proto", disallowed: true, name: true},
		{in: "x-custom", name: true},
		{in: "bad name", ctl: false},
		{in: "tab\tok", ctl: false},
		{in: "nl\n", ctl: true},
		{in: "del\x7f", ctl: true},
		{in: ""},
	} {
		if got := Disallowed(c.in); got != c.disallowed {
			t.Errorf("Disallowed(%q) = %v", c.in, got)
		}
		if got := ValidName(c.in); got != c.name {
			t.Errorf("ValidName(%q) = %v", c.in, got)
		}
		if got := HasCTL(c.in); got != c.ctl {
			t.Errorf("HasCTL(%q) = %v", c.in, got)
		}
	}
	for in, want := range map[string]string{"plain": "plain", "caf\xe9": "café", "ünï": "ünï"} {
		if got := ToUTF8(in); got != want {
			t.Errorf("ToUTF8(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzToUTF8(f *testing.F) {
	f.Add("caf\xe9")
	f.Fuzz(func(t *testing.T, s string) {
		out := ToUTF8(s)
		if len(out) < len(s) {
			t.Errorf("ToUTF8(%q) = %q lost bytes", s, out)
		}
	})
}

// TestDeviceOf classifies User-Agents as CloudFront's device headers do.
func TestDeviceOf(t *testing.T) {
	type tc struct {
		name, ua string
		want     Device
	}
	for _, c := range []tc{
		{"curl", "curl/7.66.0", Desktop},
		{"none", "", Desktop},
		{"desktop chrome", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36", Desktop},
		{"iphone", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148", Mobile},
		{"android phone", "Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/120.0 Mobile Safari/537.36", Mobile},
		{"ipad", "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)", Tablet},
		{"android tablet", "Mozilla/5.0 (Linux; Android 13; SM-X700) Chrome/120.0 Safari/537.36", Tablet},
		{"kindle", "Mozilla/5.0 (Linux; U; Android 4.0.3; en-us; KFTT Build/IML74K) Silk/3.4", Tablet},
		{"smart tv", "Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) Chrome/79.0 TV Safari/537.36", SmartTV},
		{"roku", "Roku/DVP-9.10 (519.10E04111A)", SmartTV},
	} {
		if got := DeviceOf(c.ua); got != c.want {
			t.Errorf("%s: DeviceOf = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestViewerValue checks the value of each header CloudFront computes, in
// any case, and that other headers are not computed.
func TestViewerValue(t *testing.T) {
	const iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
	type tc struct {
		name, ua, country string
		want              string
		ok                bool
	}
	for _, c := range []tc{
		{name: "CloudFront-Is-Mobile-Viewer", ua: iphone, want: "true", ok: true},
		{name: "cloudfront-is-mobile-viewer", ua: "curl/8", want: "false", ok: true},
		{name: "Cloudfront-Is-Desktop-Viewer", ua: "curl/8", want: "true", ok: true},
		{name: "CloudFront-Is-Tablet-Viewer", ua: iphone, want: "false", ok: true},
		{name: "CloudFront-Is-SmartTV-Viewer", ua: "Roku/DVP-9.10", want: "true", ok: true},
		{name: "CloudFront-Viewer-Country", country: "GB", want: "GB", ok: true},
		{name: "CloudFront-Viewer-Country"},
		{name: "User-Agent", ua: iphone},
	} {
		got, ok := ViewerValue(c.name, c.ua, c.country)
		if got != c.want || ok != c.ok {
			t.Errorf("ViewerValue(%q, %q, %q) = %q, %v; want %q, %v", c.name, c.ua, c.country, got, ok, c.want, c.ok)
		}
	}
	if !IsViewerHeader("cloudfront-viewer-country") || IsViewerHeader("Accept") {
		t.Error("IsViewerHeader")
	}
}

// FuzzDeviceOf checks that every User-Agent gets exactly one device
// header set to true.
func FuzzDeviceOf(f *testing.F) {
	f.Add("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148")
	f.Add("Roku/DVP-9.10")
	f.Add("")
	f.Fuzz(func(t *testing.T, ua string) {
		n := 0
		for _, d := range Devices {
			if v, ok := ViewerValue(d.Header(), ua, ""); ok && v == "true" {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%q: %d device headers are true", ua, n)
		}
	})
}
