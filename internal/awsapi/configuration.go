package awsapi

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/functions"
)

// Lambda's fixed answers for what Verge does not vary.
const (
	stateActive      = "Active"
	updateSuccessful = "Successful"
	packageZip       = "Zip"
	lastModifiedFmt  = "2006-01-02T15:04:05.000-0700"
)

// functionConfiguration is Lambda's FunctionConfiguration.
type functionConfiguration struct {
	FunctionName     string            `json:"FunctionName"`
	FunctionArn      string            `json:"FunctionArn"`
	Runtime          string            `json:"Runtime,omitempty"`
	Role             string            `json:"Role"`
	Handler          string            `json:"Handler,omitempty"`
	CodeSize         int64             `json:"CodeSize"`
	Description      string            `json:"Description"`
	Timeout          int               `json:"Timeout"`
	MemorySize       int               `json:"MemorySize"`
	LastModified     string            `json:"LastModified"`
	CodeSha256       string            `json:"CodeSha256"`
	Version          string            `json:"Version"`
	Environment      *environment      `json:"Environment,omitempty"`
	TracingConfig    map[string]string `json:"TracingConfig"`
	RevisionID       string            `json:"RevisionId"`
	State            string            `json:"State"`
	LastUpdateStatus string            `json:"LastUpdateStatus"`
	PackageType      string            `json:"PackageType"`
	Architectures    []string          `json:"Architectures"`
	EphemeralStorage map[string]int    `json:"EphemeralStorage"`
	LoggingConfig    map[string]string `json:"LoggingConfig"`
	SnapStart        map[string]string `json:"SnapStart"`
}

type environment struct {
	Variables map[string]string `json:"Variables"`
}

// configuration is c as Lambda describes it: always Active and
// Successful, since a function Verge knows is built and ready.
func configuration(c functions.Config) functionConfiguration {
	fc := functionConfiguration{
		FunctionName: c.Name, FunctionArn: arn.Function(c.Name, qualifierOf(c)), Runtime: c.Runtime,
		Role:    arn.Role(c.Name),
		Handler: c.Handler, CodeSize: c.CodeSize, Timeout: c.TimeoutSeconds, MemorySize: c.MemoryMB,
		LastModified: c.Modified.UTC().Format(lastModifiedFmt), CodeSha256: c.CodeSHA256, Version: c.Version,
		TracingConfig: map[string]string{"Mode": "PassThrough"}, RevisionID: revision(c),
		State: stateActive, LastUpdateStatus: updateSuccessful, PackageType: packageZip,
		Architectures: []string{archOf()}, EphemeralStorage: map[string]int{"Size": functions.TmpLimitMB},
		LoggingConfig: map[string]string{"LogFormat": "Text", "LogGroup": c.LogGroup},
		SnapStart:     map[string]string{"ApplyOn": "None", "OptimizationStatus": "Off"},
	}
	if len(c.Environment) > 0 {
		fc.Environment = &environment{Variables: c.Environment}
	}
	return fc
}

// qualifierOf is the qualifier a version's ARN carries: none for $LATEST
// in listings, as Lambda writes it.
func qualifierOf(c functions.Config) string {
	if c.Version == "$LATEST" {
		return ""
	}
	return c.Version
}

// revision is a stable RevisionId: it changes when the code or the
// configuration does.
func revision(c functions.Config) string {
	h := sha256.Sum256([]byte(c.Name + "\x00" + c.Version + "\x00" + c.CodeSHA256 + "\x00" + strconv.FormatInt(c.Modified.UnixNano(), 10)))
	s := hex.EncodeToString(h[:16])
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

// epoch is a time as Lambda's event source mappings write it.
func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }
