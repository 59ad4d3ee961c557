package logs

import (
	"slices"
	"strings"
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

// GroupInfo describes a group, for CloudWatch Logs' DescribeLogGroups.
type GroupInfo struct {
	Name      string
	Retention time.Duration // 0: kept forever
	// StoredBytes is the size of the group's day files on disk.
	StoredBytes int64
	Created     time.Time // zero for a group written before creation times were kept
	Class       string    // the class given to CreateGroup; "" for a function's group
}

// Info describes group; an unknown group is an error of kind NotFound.
func (s *Store) Info(group string) (GroupInfo, error) {
	const op errs.Op = "logs.Info"
	g, err := s.lookup(op, group)
	if err != nil {
		return GroupInfo{}, err
	}
	info := GroupInfo{Name: g.name, Retention: time.Duration(g.retention.Load())}
	g.flushMu.Lock()
	files, err := g.dayFiles()
	if g.born != 0 {
		info.Created = time.UnixMilli(g.born).UTC()
	}
	info.Class = g.class
	g.flushMu.Unlock()
	if err != nil {
		return GroupInfo{}, errs.E(op, group, err)
	}
	for _, f := range files {
		info.StoredBytes += f.Size
	}
	return info, nil
}

// StreamInfo summarises a stream's events, for DescribeLogStreams.
type StreamInfo struct {
	Name        string
	First, Last time.Time // the oldest and newest events' times
	Events      int
	Bytes       int64 // the messages' size
	// Created and Ingested are kept for the streams made by CreateStream
	// (Ingested: the last PutEvents, zero before the first); zero for the
	// others, whose creation is their first event.
	Created, Ingested time.Time
}

// Streams summarises the streams of group that hold events or were made by
// CreateStream, sorted by name.
// The store keeps no index of streams, so it reads the whole group: fine
// for the days of logs a development machine keeps.
func (s *Store) Streams(group string) ([]StreamInfo, error) {
	evs, err := s.Query(group, Query{})
	if err != nil {
		return nil, errs.E(errs.Op("logs.Streams"), err)
	}
	byName := map[string]*StreamInfo{}
	for _, ev := range evs {
		st := byName[ev.Stream]
		if st == nil {
			st = &StreamInfo{Name: ev.Stream, First: ev.Time, Last: ev.Time}
			byName[ev.Stream] = st
		}
		if ev.Time.Before(st.First) {
			st.First = ev.Time
		}
		if ev.Time.After(st.Last) {
			st.Last = ev.Time
		}
		st.Events++
		st.Bytes += int64(len(ev.Message))
	}
	for name, m := range s.madeStreams(group) {
		st := byName[name]
		if st == nil {
			st = &StreamInfo{Name: name}
			byName[name] = st
		}
		st.Created = time.UnixMilli(m.Created).UTC()
		if m.Ingested != 0 {
			st.Ingested = time.UnixMilli(m.Ingested).UTC()
		}
	}
	out := make([]StreamInfo, 0, len(byName))
	for _, st := range byName {
		out = append(out, *st)
	}
	slices.SortFunc(out, func(a, b StreamInfo) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}
