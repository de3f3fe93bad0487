ALTER TABLE `schedule_plans` ADD `sign_off_at` text;--> statement-breakpoint
ALTER TABLE `schedule_plans` ADD `sign_off_until` text;