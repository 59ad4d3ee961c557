package awsapi

import "net/http"

// getInvalidation is GetInvalidation: one of the distribution's
// invalidations Verge remembers.
func (c *cloudFront) getInvalidation(w http.ResponseWriter, r *http.Request) error {
	d, err := c.distribution(r.PathValue(pathDistID))
	if err != nil {
		return err
	}
	id := r.PathValue(pathID)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, inv := range c.invalidations[d.Name] {
		if inv.ID == id {
			return writeCF(w, http.StatusOK, inv.xml())
		}
	}
	return errNoSuchInvalidation.With("The specified invalidation does not exist.")
}
