#!/usr/bin/env node
import '../dist/kustz.js';
