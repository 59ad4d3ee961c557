// Package build turns a function's code into a task root: the folder a
// sandbox runs, as Lambda unpacks a deployment package into /var/task.
//
// A Builder handles the three ways code arrives:
//
//   - stacktape-lambda-buildpack with a Node.js entry (.js .mjs .cjs .ts
//     .mts .cts): bundled by esbuild's Go API into index.js (CommonJS) with
//     a linked source map whose sources are the user's absolute paths, so
//     `node --enable-source-maps` reports the user's file:line. An entry
//     with top-level await cannot be CommonJS: it becomes index.mjs (ESM)
//     with a createRequire banner so bundled CommonJS dependencies can still
//     require Node built-ins. A CommonJS bundle of an entry whose only
//     handler is its default export also exports it as handler, since
//     import() of CommonJS would hide it inside module.exports.default.
//   - stacktape-lambda-buildpack with a Python entry (.py): the entry's
//     folder copied (climbing while the folder is a package with
//     __init__.py, so package-relative imports keep working).
//   - stacktape-lambda-buildpack with a Go entry (.go): `go build
//     -trimpath` of the entry's package into an executable named bootstrap,
//     for this machine's GOOS/GOARCH with CGO_ENABLED=0, by the go on PATH
//     in a clean environment (PATH, HOME, TMPDIR and the user's GOPATH,
//     GOCACHE, GOMODCACHE, GOPROXY and GOSUMDB family; GOENV=off,
//     GOWORK=off, GOTOOLCHAIN=local, GOFLAGS empty). The user's go.mod and
//     go.sum are never rewritten (no -mod=mod): a missing go.sum entry is
//     go's own error, telling the user to run go mod tidy.
//   - custom-artifact: a folder copied, or a .zip extracted with zip-slip,
//     symlink and size checks.
//
// Every version is content-addressed: its task root is DIR/<hash>, built in
// a temporary sibling and renamed into place, so concurrent builds of one
// function are safe and a crash never leaves a half-built version. Builds
// that run a tool (esbuild, go) record the files the tool read; a later
// build whose recorded files are unchanged returns the existing version
// without running the tool. Versions are removed only by Prune.
//
// @aws-sdk/* imports are bundled when the package is installed in a
// node_modules folder the entry can reach (the user pinned a version and
// tested with it), and left external otherwise, as AWS's Node.js runtimes
// provide the SDK v3; so do Verge's sandboxes (internal/sdks), for the
// clients of the services Verge serves.
package build
