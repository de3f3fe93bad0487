CREATE TABLE `channels` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text NOT NULL,
	`number` integer NOT NULL,
	`name` text NOT NULL,
	`timezone` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`mode` text DEFAULT 'normal' NOT NULL,
	`plan_kind` text DEFAULT 'loop' NOT NULL,
	`loop_collection_id` integer,
	`loop_epoch_ms` integer,
	`grid_minutes` integer DEFAULT 30 NOT NULL,
	`broadcast_day_start` text DEFAULT '06:00' NOT NULL,
	`created_at_ms` integer NOT NULL,
	FOREIGN KEY (`loop_collection_id`) REFERENCES `collections`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channels_uuid_unique` ON `channels` (`uuid`);--> statement-breakpoint
CREATE UNIQUE INDEX `channels_number_unique` ON `channels` (`number`);--> statement-breakpoint
CREATE TABLE `assets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source_id` integer NOT NULL,
	`collection_id` integer NOT NULL,
	`path` text NOT NULL,
	`rel_path` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`mtime_ms` integer NOT NULL,
	`state` text DEFAULT 'new' NOT NULL,
	`state_reason` text,
	`kind` text DEFAULT 'program' NOT NULL,
	`kind_locked` integer DEFAULT false NOT NULL,
	`title` text NOT NULL,
	`series` text,
	`season` integer,
	`episode` integer,
	`duration_ms` integer,
	`container` text,
	`video` text,
	`audio` text,
	`chapters` text DEFAULT '[]' NOT NULL,
	`bit_rate` real,
	`probed_at_ms` integer,
	`created_at_ms` integer NOT NULL,
	`updated_at_ms` integer NOT NULL,
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`collection_id`) REFERENCES `collections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `assets_path` ON `assets` (`path`);--> statement-breakpoint
CREATE INDEX `assets_collection` ON `assets` (`collection_id`);--> statement-breakpoint
CREATE INDEX `assets_state_kind` ON `assets` (`state`,`kind`);--> statement-breakpoint
CREATE TABLE `collections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source_id` integer NOT NULL,
	`name` text NOT NULL,
	`rel_path` text NOT NULL,
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `collections_source_path` ON `collections` (`source_id`,`rel_path`);--> statement-breakpoint
CREATE TABLE `sources` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`type` text DEFAULT 'local' NOT NULL,
	`path` text NOT NULL,
	`config` text DEFAULT '{}' NOT NULL,
	`created_at_ms` integer NOT NULL,
	`last_scan_at_ms` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sources_name_unique` ON `sources` (`name`);