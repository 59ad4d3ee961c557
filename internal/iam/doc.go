// Package iam decides what a function may do with the AWS API, as IAM
// decides for a Lambda function's execution role: deny by default, an
// explicit Deny wins over any Allow, and a request on several resources
// must be allowed on each.
//
// A function's Policy comes from its stack file: `iamRoleStatements`
// (Effect, Action and Resource with IAM's '*' and '?' wildcards; actions
// compare without regard to case, resources with) and `allowAccessTo` /
// `connectTo`, which Grant turns into the basic permissions Stacktape
// grants for each resource type. Conditions, NotAction, NotResource and
// resource policies are not evaluated.
package iam
