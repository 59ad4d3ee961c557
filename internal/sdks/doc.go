// Package sdks provides the AWS SDKs that Lambda's runtimes include, so a
// handler written for Lambda can require('@aws-sdk/client-…') or import
// boto3 without bundling them.
//
// The AWS SDK for JavaScript v3 (the clients for the services Verge serves,
// at the versions pinned in constants.go) is installed once with npm into
// a cache folder shared by every data folder and process: DIR/node-<hash>,
// built in a temporary sibling and renamed into place, world-readable so a
// sandbox's unprivileged user can read it. The install runs in the
// background; a cold start waits for it (bounded).
//
// boto3 comes from the host: Debian's python3-boto3. Its packages (boto3,
// botocore and what they import, nothing else of dist-packages) are linked
// into DIR/python-<hash>, which the Python bootstrap appends to sys.path.
//
// Each SDK is searched after the function's own code and packages, as on
// Lambda, so a function that bundles its own version gets it. When an SDK
// cannot be provided (no npm, offline, python3-boto3 not installed) one
// clear line is logged and functions run without it.
package sdks
