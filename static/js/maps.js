/* Maps of communities (Leaflet), set up from the page's data: the tile server from the
   "map-settings" json_script block, markers from the json_script block a map's
   data-markers names. No page carries inline script, so the Content-Security-Policy can
   forbid it. Markers are SVG circles: they are drawn even when no tile loads, and need
   no marker images. */
(function () {
  "use strict";

  function readJson(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  function baseMap(element) {
    var settings = readJson("map-settings");
    var map = L.map(element, {scrollWheelZoom: false}).setView([13.2, 101.0], 5);
    var notice = document.getElementById(element.id + "-notice");
    L.tileLayer(settings.tile_url, {maxZoom: 18, attribution: settings.attribution})
      .on("tileerror", function () { if (notice) { notice.hidden = false; } })
      .addTo(map);
    return map;
  }

  // data-map="markers" data-markers="<json_script id>": [{name, url, note, lat, lon}, ...]
  function markerMap(element) {
    var map = baseMap(element), bounds = [];
    readJson(element.dataset.markers).forEach(function (m) {
      var popup = document.createElement("div"), link = document.createElement("a");
      link.href = m.url;
      link.textContent = m.name;
      popup.appendChild(link);
      if (m.note) { popup.appendChild(document.createTextNode(" · " + m.note)); }
      L.circleMarker([m.lat, m.lon], {radius: 7, weight: 2}).bindPopup(popup).addTo(map);
      bounds.push([m.lat, m.lon]);
    });
    if (bounds.length) {
      map.fitBounds(bounds, {padding: [30, 30], maxZoom: Number(element.dataset.maxZoom || 11)});
    }
  }

  // data-map="picker" data-latitude="<input id>" data-longitude="<input id>"
  function locationPicker(element) {
    var lat = document.getElementById(element.dataset.latitude);
    var lon = document.getElementById(element.dataset.longitude);
    var map = baseMap(element), marker = null;
    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.circleMarker(latlng, {radius: 8}).addTo(map); }
    }
    if (lat.value && lon.value) {
      var here = [parseFloat(lat.value), parseFloat(lon.value)];
      place(here);
      map.setView(here, 11);
    }
    map.on("click", function (event) {
      lat.value = event.latlng.lat.toFixed(6);
      lon.value = event.latlng.lng.toFixed(6);
      place(event.latlng);
    });
  }

  // The lists beside the maps work without them; a map is an extra when Leaflet loads.
  if (!window.L) { return; }
  var kinds = {markers: markerMap, picker: locationPicker};
  document.querySelectorAll("[data-map]").forEach(function (element) {
    kinds[element.dataset.map](element);
  });
})();
