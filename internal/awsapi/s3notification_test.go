package awsapi

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/golden"
	"golang.org/x/tools/txtar"
)

// TestS3Notification runs the notification documents of
// testdata/s3notification: one document, written back as
// GetBucketNotificationConfiguration answers it, or several, one a line,
// each answered with its error.
func TestS3Notification(t *testing.T) {
	golden.Run(t, "s3notification", *update, func(t *testing.T, a *txtar.Archive) (string, string) {
		in, _ := golden.Section(a, "input")
		if strings.Count(strings.TrimSpace(in), "<NotificationConfiguration") == 1 {
			c, err := parseNotification([]byte(in))
			if err != nil {
				return "output", "error: " + err.Error()
			}
			var b bytes.Buffer
			enc := xml.NewEncoder(&b)
			enc.Indent("", "  ")
			enc.Encode(notificationDocument(c))
			back, err := parseNotification(b.Bytes())
			if err != nil || len(back.Configurations) != len(c.Configurations) || back.EventBridge != c.EventBridge {
				t.Errorf("the written document does not read back: %v %+v", err, back)
			}
			return "output", b.String()
		}
		var out strings.Builder
		sc := bufio.NewScanner(strings.NewReader(in))
		for sc.Scan() {
			_, err := parseNotification(sc.Bytes())
			out.WriteString(asError(err).Code + ": " + asError(err).Message + "\n")
		}
		return "output", out.String()
	})
}
