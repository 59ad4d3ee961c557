package awsapi

import (
	"net/http"
	"time"
)

// createInvalidation is CreateInvalidation: the edge removes the paths
// from the distribution's cache before the answer, so the invalidation is
// Completed at once. A batch repeated with its caller reference answers
// the first invalidation, as CloudFront does.
func (c *cloudFront) createInvalidation(w http.ResponseWriter, r *http.Request) error {
	d, err := c.distribution(r.PathValue(pathDistID))
	if err != nil {
		return err
	}
	batch, err := readInvalidationBatch(r)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, inv := range c.invalidations[d.Name] {
		if inv.Batch.CallerReference != batch.CallerReference {
			continue
		}
		if !sameBatch(inv.Batch, batch) {
			return errBatchExists.With("An invalidation with caller reference " + batch.CallerReference + " and other paths exists: " + inv.ID)
		}
		return c.writeInvalidation(w, r, d, inv)
	}
	inv := &invalidation{ID: newInvalidationID(), Created: time.Now(), Batch: batch}
	inv.Removed = c.cdn.Invalidate(d.Name, batch.Paths.Items)
	list := append([]*invalidation{inv}, c.invalidations[d.Name]...)
	c.invalidations[d.Name] = list[:min(len(list), keptInvalidations)]
	return c.writeInvalidation(w, r, d, inv)
}

// writeInvalidation answers 201 with the invalidation and its Location.
func (c *cloudFront) writeInvalidation(w http.ResponseWriter, r *http.Request, d Distribution, inv *invalidation) error {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	w.Header().Set("Location", scheme+"://"+r.Host+pathDistributions+"/"+DistributionID(d.Name)+"/invalidation/"+inv.ID)
	return writeCF(w, http.StatusCreated, inv.xml())
}
