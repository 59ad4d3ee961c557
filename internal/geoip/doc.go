// Package geoip maps viewer IP addresses to ISO 3166-1 alpha-2 country
// codes for the CloudFront-Viewer-Country header, reading a MaxMind DB
// (.mmdb) country database: GeoLite2-Country, GeoIP2-Country, DB-IP
// Country Lite, or a City/Enterprise database, which holds the same
// country record.
//
// Lookups are lock-free and allocation-free, so Country can be called on
// every request. Close may race with in-flight lookups (as when a reloaded
// database replaces an old one): those lookups answer "" or their result,
// and the memory mapping is released by the garbage collector once the
// last of them is done.
package geoip
