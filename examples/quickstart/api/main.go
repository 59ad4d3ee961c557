// Command api is the quickstart's HTTP origin: Verge routes /api/* to it.
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"time"
)

func main() {
	http.HandleFunc("/api/time", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "max-age=5")
		json.NewEncoder(w).Encode(map[string]any{
			"time":       time.Now().UTC().Format(time.RFC3339Nano),
			"fromCdn":    r.Header.Get("X-From-Cdn"),
			"forwardFor": r.Header.Get("X-Forwarded-For"),
		})
	})
	log.Println("quickstart api on http://127.0.0.1:8090")
	log.Fatal(http.ListenAndServe("127.0.0.1:8090", nil))
}
