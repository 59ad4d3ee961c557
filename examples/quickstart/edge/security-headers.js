// A CloudFront Function, unchanged from what runs on AWS: security headers on
// every response to the viewer, cache hits included.
function handler(event) {
    var headers = event.response.headers;
    headers['strict-transport-security'] = { value: 'max-age=63072000; includeSubdomains; preload' };
    headers['x-content-type-options'] = { value: 'nosniff' };
    headers['x-frame-options'] = { value: 'DENY' };
    headers['referrer-policy'] = { value: 'same-origin' };
    return event.response;
}
