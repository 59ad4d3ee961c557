package awsapi

import "net/http"

// getBucketNotification is GetBucketNotificationConfiguration: what was
// set through the API (the stack's own triggers are the engine's).
func (a *s3API) getBucketNotification(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	c, err := in.store.Notifications(in.Bucket)
	if err != nil {
		return err
	}
	return writeS3XML(w, notificationDocument(c))
}
