package awsapi

import (
	"io"
	"net/http"
)

// putBucketNotification is PutBucketNotificationConfiguration: the
// document replaces the bucket's configuration (an empty one clears it).
func (a *s3API) putBucketNotification(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, s3MaxXML))
	if err != nil {
		return err
	}
	c, err := parseNotification(body)
	if err != nil {
		return err
	}
	if err := in.store.SetNotifications(in.Bucket, c); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
